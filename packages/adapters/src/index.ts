export { createAwsClients, type AwsClients, type AwsClientsConfig } from "./aws/clients";
export { CognitoIdentity, type CognitoIdentityOptions } from "./aws/cognito-identity";
export { CognitoTokenVerifier, createCognitoTokenVerifier, type CognitoTokenVerifierOptions, type Jwks } from "./aws/cognito-token-verifier";
export { S3BlobStore } from "./aws/s3-blob-store";
export { SqsRenderQueue, type SqsQueueUrls } from "./aws/sqs-render-queue";
export { DynamoVideoJobStore } from "./aws/dynamodb-video-job-store";
export { createAwsAdapters, credentialsOf } from "./aws/adapters";
export { loadRemoteConfig } from "./aws/remote-config";
