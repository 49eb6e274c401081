export { startLocalStack, type LocalStack, type RestartableService, type LocalStackOptions, type LocalStackPorts, type S3NotificationRecord } from "./start-local-stack";
export { provisionAws, USER_POOL_SPEC, type ProvisionTarget, type ProvisionClients } from "./provision";
export { startMoto, type MotoServer } from "./moto";
export type { CognitoMessage } from "./cognito-server";
export { RESOURCE_NAMES, LOCAL_USER_POOL_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from "./resources";
export { openPglite } from "./pglite-template";
export { startPgliteServer } from "./pglite-server";
export { StartupError, laterPort, portOrFree } from "./ports";
