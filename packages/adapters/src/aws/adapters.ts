import type { Config } from "@photoreel/config";
import { mapPortErrors } from "@photoreel/core";
import type { AwsClients } from "./clients";
import { CognitoIdentity } from "./cognito-identity";
import { DynamoVideoJobStore } from "./dynamodb-video-job-store";
import { awsErrorToDomain } from "./errors";
import { S3BlobStore } from "./s3-blob-store";
import { SqsRenderQueue } from "./sqs-render-queue";

/**
 * The port implementations every app composes from the same config (the apps pick what they need). A service
 * that is down or throttling reaches the callers as DomainError("SERVICE_UNAVAILABLE").
 */
export function createAwsAdapters(config: Config, clients: AwsClients) {
  return {
    blobs: mapPortErrors(new S3BlobStore(clients.s3, config.S3_BUCKET), awsErrorToDomain),
    queue: mapPortErrors(new SqsRenderQueue(clients.sqs, { render: config.SQS_RENDER_QUEUE_URL, preview: config.SQS_PREVIEW_QUEUE_URL, dlq: config.SQS_DLQ_URL }), awsErrorToDomain),
    jobs: mapPortErrors(new DynamoVideoJobStore(clients.dynamodbDoc, config.DYNAMODB_TABLE), awsErrorToDomain),
    identity: mapPortErrors(new CognitoIdentity(clients.cognito, { userPoolId: config.COGNITO_USER_POOL_ID, clientId: config.COGNITO_CLIENT_ID }), awsErrorToDomain),
  };
}

/** Static credentials only when configured (stand-ins, moto); otherwise the SDK's default chain (task role). */
export function credentialsOf(config: Pick<Config, "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY">) {
  return config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
    ? { credentials: { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY } }
    : {};
}
