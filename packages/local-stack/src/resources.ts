/** Names of the resources the app expects; the CloudFormation templates use the same ones per stage. */
export const RESOURCE_NAMES = {
  bucket: "photoreel-local",
  renderQueue: "photoreel-render",
  previewQueue: "photoreel-preview",
  dlq: "photoreel-render-dlq",
  table: "photoreel-videos",
  userPool: "photoreel-local",
  userPoolClient: "photoreel-web",
  adminGroup: "admin",
} as const;

/** The stand-in Cognito pool id: the real `<region>_<id>` format so the production verifier accepts it. */
export const LOCAL_USER_POOL_ID = "us-east-1_LocalPool";
export const LOCAL_REGION = "us-east-1";
/** s3rver only accepts this key pair; the other stand-ins and moto accept anything. */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
export const QUEUE_VISIBILITY_TIMEOUT_SECONDS = 60;
export const QUEUE_MAX_RECEIVES = 3;
