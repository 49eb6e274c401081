import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "@photoreel/config";

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  /** Marshalls plain objects; `undefined` attributes are dropped rather than rejected. */
  dynamodbDoc: DynamoDBDocumentClient;
  cognito: CognitoIdentityProviderClient;
  destroy(): void;
}

export type AwsClientsConfig = Pick<
  Config,
  "AWS_REGION" | "S3_ENDPOINT" | "S3_FORCE_PATH_STYLE" | "SQS_ENDPOINT" | "DYNAMODB_ENDPOINT" | "COGNITO_ENDPOINT"
>;

/**
 * Builds the SDK clients from config. Endpoints are overridden only when configured (stand-ins, moto); on AWS the
 * SDK's own resolution and credential chain apply. Only composition roots call this.
 */
export function createAwsClients(
  config: AwsClientsConfig,
  /** Tests only: the apps take credentials from the SDK's default chain (environment, task role). */
  overrides: { credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): AwsClients {
  const base = { region: config.AWS_REGION, ...(overrides.credentials ? { credentials: overrides.credentials } : {}) };
  const s3 = new S3Client({
    ...base,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    // Always, not only for stand-ins: with the default (WHEN_SUPPORTED) presigned UploadPart/PutObject URLs carry
    // the CRC32 of an empty body (x-amz-checksum-crc32=AAAAAA==), which a browser's real upload cannot match, and
    // s3rver would store aws-chunked framing inside objects.
    requestChecksumCalculation: "WHEN_REQUIRED",
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, responseChecksumValidation: "WHEN_REQUIRED" as const } : {}),
  });
  // fauxqs's queue URLs name a host that does not resolve; send to the endpoint, pass the URL as a parameter.
  const sqs = new SQSClient({ ...base, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT, useQueueUrlAsEndpoint: false } : {}) });
  const dynamodb = new DynamoDBClient({ ...base, ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}) });
  const dynamodbDoc = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const cognito = new CognitoIdentityProviderClient({ ...base, ...(config.COGNITO_ENDPOINT ? { endpoint: config.COGNITO_ENDPOINT } : {}) });
  return {
    s3,
    sqs,
    dynamodb,
    dynamodbDoc,
    cognito,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamodbDoc.destroy();
      dynamodb.destroy();
      cognito.destroy();
    },
  };
}
