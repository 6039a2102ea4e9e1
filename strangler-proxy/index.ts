/** The proxy's public API: start one in-process, its config schema, the control seam. */
export { startProxy, type RunningProxy, type StartProxyOptions } from './server.js';
export { loadProxyConfig, parseProxyConfig } from './config/load.js';
export { proxyConfigSchema, type ProxyConfig, type RouteConfig, type ServiceConfig } from './config/schema.js';
export type { ProxyControl, ProxyObserver, RequestEvent, RouteStatus, InstanceStatus, RouteCounters } from './control.js';
export { proxyPlanForCandidate } from './plan.js';
