/**
 * Git co-change (logical coupling) between the analyzed modules. A missing git, or a root
 * that is not inside a git work tree, gives an empty result and a GIT_UNAVAILABLE warning.
 */
import { messageOf } from '../../../common/errors.js';
import type { CoChange, Warning } from '../../model.js';
import { logicalCoupling } from './coupling.js';
import { gitPrefix, readCommits } from './git-log.js';

export interface CoChangeOptions {
  /** Newest commits read (default 1000). */
  maxCommits?: number;
  /** Commits touching more files than this under root are ignored (default 30), as in Code Maat. */
  maxChangesetSize?: number;
  /** Pairs changed together fewer times are left out (default 2). */
  minShared?: number;
  /** Pairs with a lower degree are left out (default 0). */
  minDegree?: number;
}

export interface CoChangeResult {
  coChange: CoChange[];
  warnings: Warning[];
  /** Commits read from the log (before large ones are set aside). */
  commits: number;
}

export async function collectGitCoChange(
  root: string,
  modules: ReadonlySet<string>,
  options: CoChangeOptions = {},
): Promise<CoChangeResult> {
  const maxCommits = options.maxCommits ?? 1000;
  const maxChangesetSize = options.maxChangesetSize ?? 30;
  let prefix: string;
  try {
    prefix = await gitPrefix(root);
  } catch (error) {
    return {
      coChange: [],
      commits: 0,
      warnings: [
        {
          code: 'GIT_UNAVAILABLE',
          message: `no git history for ${root} (${messageOf(error)}); co-change coupling is left out. Run the analysis inside a git clone with git installed to use it.`,
        },
      ],
    };
  }
  let commits;
  try {
    commits = await readCommits(root, prefix, maxCommits);
  } catch (error) {
    return {
      coChange: [],
      commits: 0,
      warnings: [{ code: 'GIT_UNAVAILABLE', message: `git log failed in ${root} (${messageOf(error)}); co-change coupling is left out.` }],
    };
  }
  const changeSets = commits
    .filter((commit) => commit.files.length <= maxChangesetSize)
    .map((commit) => new Set(commit.files.filter((file) => modules.has(file))));
  const coChange = logicalCoupling(changeSets, {
    minShared: options.minShared ?? 2,
    minDegree: options.minDegree ?? 0,
  });
  return { coChange, warnings: [], commits: commits.length };
}
