/**
 * One shadowed request. The primary's answer is teed while it streams to the client
 * (bounded by `maxBodyBytes`), the copy is sent to the other side when the primary's head
 * arrives, and the two are compared once both have finished. Nothing here can delay, alter
 * or fail the client's response: the copy runs detached and every failure becomes a count.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ShadowEvent, ShadowOutcome } from '../control.js';
import type { UpstreamService } from '../upstream/service.js';
import { compareResponses, type CapturedResponse, type Comparison } from './compare.js';
import type { ShadowPlan } from './plan.js';
import { redactPath } from './redact.js';
import type { SkipKind } from './recorder.js';
import { sendShadow, type ShadowAnswer } from './send.js';

export interface ShadowTargets {
  monolith: UpstreamService;
  services: ReadonlyMap<string, UpstreamService>;
  /** The route's path rewrite, applied when the copy goes to a service. */
  rewrite(pathAndQuery: string): string;
  /** Upstream request headers as sent to the primary. */
  upstreamHeaders: readonly string[];
  hashKey: string | undefined;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Reads a small request body (its Content-Length was checked) into one buffer; undefined if the client broke off. */
export function readSmallBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => done(Buffer.concat(chunks)));
    req.once('error', () => done(undefined));
    req.once('close', () => {
      if (!req.complete) done(undefined);
    });
  });
}

export class ShadowTrip {
  /** The buffered request body (for requests with a small body), sent to both sides. */
  body: Buffer | undefined;
  private primaryName = '';
  private primaryStatus = 0;
  private primaryHeaders: Headers = {};
  private chunks: Buffer[] = [];
  private bytes = 0;
  private tooLarge = false;
  private primaryComplete = false;
  private target: string | undefined;
  private answer: ShadowAnswer | undefined;
  private settled = false;

  constructor(
    readonly plan: ShadowPlan,
    readonly method: string,
    readonly pathAndQuery: string,
    /** The request has a small body that must be buffered before the primary is sent. */
    readonly needsBody: boolean,
  ) {}

  /** Where the copy goes when `primary` answered: the configured side, or the other one if that answered. */
  targetFor(primary: string): string {
    const configured = this.plan.config.service;
    if (configured !== primary) return configured;
    return primary === 'monolith' ? this.plan.routeService : 'monolith';
  }

  /** The primary's head arrived: send the copy (detached). */
  start(primary: string, status: number, headers: IncomingHttpHeaders, targets: ShadowTargets): void {
    if (this.settled) return;
    this.primaryName = primary;
    this.primaryStatus = status;
    this.primaryHeaders = headers;
    const target = this.targetFor(primary);
    this.target = target;
    const service = target === 'monolith' ? targets.monolith : targets.services.get(target);
    const path = target === 'monolith' ? this.pathAndQuery : targets.rewrite(this.pathAndQuery);
    this.plan.recorder.sent(this.plan.routeId);
    if (!service) {
      this.answer = { ok: false, reason: `unknown service "${target}"`, timedOut: false, ms: 0, instance: undefined };
      return;
    }
    sendShadow({
      service,
      path,
      method: this.method,
      headers: targets.upstreamHeaders,
      body: this.body,
      timeoutMs: this.plan.config.timeout,
      maxBodyBytes: this.plan.config.maxBodyBytes,
      hashKey: targets.hashKey,
    })
      .then((answer) => {
        this.answer = answer;
        this.maybeFinish();
      })
      .catch((error: unknown) => this.fail(error));
  }

  /** Tee of the primary's body as it goes to the client (a `data` listener next to the pipe). */
  readonly onPrimaryData = (chunk: Buffer): void => {
    if (this.tooLarge) return;
    this.bytes += chunk.length;
    if (this.bytes > this.plan.config.maxBodyBytes) {
      this.tooLarge = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  };

  /** The primary's response finished: `complete` when the client got all of it. Never throws. */
  primaryEnded(complete: boolean): void {
    try {
      if (!complete) {
        this.skip('the primary response did not complete', 'primary');
        return;
      }
      this.primaryComplete = true;
      this.maybeFinish();
    } catch (error: unknown) {
      this.fail(error);
    }
  }

  /** Marks the trip done (once); false when it already was. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.plan.running--;
    this.chunks = [];
    return true;
  }

  /** A bug must not reach the client's path: count it as an error. */
  private fail(error: unknown): void {
    if (!this.settle()) return;
    this.plan.recorder.record(this.event('error', [], undefined, failure(error)), undefined);
  }

  /** Picked, but there is nothing to compare (the primary failed, fell back, or the client left). */
  skip(detail: string, kind: SkipKind = 'primary'): void {
    if (!this.settle()) return;
    this.plan.recorder.skipped(this.event('skipped', [], undefined, detail), kind);
  }

  private event(
    outcome: ShadowOutcome,
    reasons: ShadowEvent['reasons'],
    answer: ShadowAnswer | undefined,
    detail: string | undefined,
  ): ShadowEvent {
    return {
      route: this.plan.routeId,
      primary: this.primaryName,
      shadow: this.target,
      method: this.method,
      outcome,
      reasons,
      primaryStatus: this.primaryStatus === 0 ? undefined : this.primaryStatus,
      shadowStatus: answer?.ok ? answer.response.status : undefined,
      shadowMs: answer?.ms,
      detail,
    };
  }

  private maybeFinish(): void {
    const answer = this.answer;
    if (this.settled || !this.primaryComplete || answer === undefined) return;
    const primary: CapturedResponse = {
      status: this.primaryStatus,
      headers: this.primaryHeaders,
      body: this.tooLarge ? undefined : Buffer.concat(this.chunks),
    };
    this.settle();
    const recorder = this.plan.recorder;
    if (!answer.ok) {
      recorder.record(this.event('error', [], answer, answer.reason), undefined, answer.timedOut);
      return;
    }
    let result: Comparison;
    try {
      result = compareResponses(this.plan.compare, primary, answer.response);
    } catch (error: unknown) {
      // E.g. a JSON document nested too deeply for the walk.
      recorder.record(this.event('error', [], answer, failure(error)), undefined);
      return;
    }
    if (result.reasons.length === 0) {
      recorder.record(this.event(result.tooLarge ? 'too-large' : 'matched', [], answer, undefined), undefined);
      return;
    }
    recorder.record(this.event('mismatched', result.reasons, answer, undefined), {
      at: Date.now(),
      route: this.plan.routeId,
      method: this.method,
      path: redactPath(this.pathAndQuery),
      primary: { service: this.primaryName, status: this.primaryStatus },
      shadow: { service: this.target ?? '', status: answer.response.status },
      reasons: result.reasons,
      diff: result.diff,
    });
  }
}

function failure(error: unknown): string {
  return `comparison failed: ${error instanceof Error ? error.message : String(error)}`;
}
