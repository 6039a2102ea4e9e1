/**
 * The folder and file-name vocabulary the boundaries stage reads: infrastructure folders
 * (shared-kernel hints), composition-root file names, folders that name a layer rather
 * than a capability, file-name words that name a role, and verbs that start use-case
 * folder names.
 */
const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));

export const INFRASTRUCTURE_FOLDERS = words(`
  lib libs util utils common shared core helpers helper infra infrastructure config configuration db database middleware
  middlewares types interfaces constants decorators guards filters interceptors pipes errors logger logging prisma typeorm
  kernel platform framework
`);

export const ROOT_STEMS = /^(app|main|server|index|bootstrap|container|startup|app\.module|app\.routes|routes|router)$/;

export const LAYER_FOLDERS = words(`
  services service controllers controller repositories repository models model entities entity dto dtos routes router
  routers handlers resolvers usecases use-cases usecase use-case commands queries domain application infrastructure
  interfaces types schemas validators mappers helpers utils components impl framework e2e api v1 v2 http rest graphql
  client server frontend backend
`);

export const ROLE_WORDS = words(`
  service services repository repositories routes route router controller types type model models dto module index utils
  util helper helpers handler resolver mapper validation validator entity schema interface interfaces constants config spec
  test impl input inputs args guard strategy command query usecase response request e2e
`);

/** A folder named like `get-topic` or `create-log` is one use case, not the capability. */
export const USE_CASE_VERB =
  /^(get|create|update|delete|remove|add|list|find|set|send|mark|handle|process|sync|generate|build|parse|validate|check|upsert|patch|fetch|search|save|load|read|write|count|bulk|trigger|cancel|mark)(-|$)/;

export const ROUTE_NOISE = /^(api|v\d+|rest|graphql|public|internal)$/i;
