import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  LOCAL_CREDENTIALS,
  QUEUE_MAX_RECEIVES,
  QUEUE_VISIBILITY_TIMEOUT_SECONDS,
  RESOURCE_NAMES,
} from "./resources";

export interface ProvisionTarget {
  region: string;
  /** Origin allowed by the bucket's CORS rules (the web app). */
  webOrigin: string;
  endpoints: { s3: string; sqs: string; dynamodb: string; cognito: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ProvisionClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  cognito: CognitoIdentityProviderClient;
}

/**
 * The pool as CloudFormation should declare it too: e-mail is the sign-in name (Cognito keeps a UUID username
 * and resolves the e-mail as an alias), case-insensitive, password rules matching PasswordSchema.
 */
export const USER_POOL_SPEC = {
  PoolName: RESOURCE_NAMES.userPool,
  UsernameAttributes: ["email"],
  UsernameConfiguration: { CaseSensitive: false },
  AutoVerifiedAttributes: ["email"],
  Policies: {
    PasswordPolicy: {
      MinimumLength: 8,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: false,
      TemporaryPasswordValidityDays: 7,
    },
  },
} satisfies CreateUserPoolCommandInput;

function createProvisionClients(target: ProvisionTarget): ProvisionClients {
  const common = { region: target.region, credentials: target.credentials ?? LOCAL_CREDENTIALS };
  return {
    s3: new S3Client({
      ...common,
      endpoint: target.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    sqs: new SQSClient({ ...common, endpoint: target.endpoints.sqs, useQueueUrlAsEndpoint: false }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: target.endpoints.dynamodb }),
    cognito: new CognitoIdentityProviderClient({ ...common, endpoint: target.endpoints.cognito }),
  };
}

function destroyProvisionClients(clients: ProvisionClients): void {
  clients.s3.destroy();
  clients.sqs.destroy();
  clients.dynamodb.destroy();
  clients.cognito.destroy();
}

const errorName = (e: unknown): string => (e instanceof Error ? e.name : "");

async function provisionBucket(s3: S3Client, bucket: string, webOrigin: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (!["BucketAlreadyOwnedByYou", "BucketAlreadyExists"].includes(errorName(e))) throw e;
  }
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [webOrigin],
            AllowedMethods: ["GET", "PUT", "POST", "HEAD"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag"],
            MaxAgeSeconds: 3000,
          },
        ],
      },
    }),
  );
}

async function provisionQueues(sqs: SQSClient): Promise<{ render: string; preview: string; dlq: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: RESOURCE_NAMES.dlq }));
  const dlqUrl = dlq.QueueUrl!;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }));
  const dlqArn = attrs.Attributes?.QueueArn;
  if (!dlqArn) throw new Error(`queue ${RESOURCE_NAMES.dlq} has no QueueArn`);
  const withRedrive = {
    VisibilityTimeout: String(QUEUE_VISIBILITY_TIMEOUT_SECONDS),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: QUEUE_MAX_RECEIVES }),
  };
  const [render, preview] = await Promise.all(
    [RESOURCE_NAMES.renderQueue, RESOURCE_NAMES.previewQueue].map((QueueName) =>
      sqs.send(new CreateQueueCommand({ QueueName, Attributes: withRedrive })),
    ),
  );
  return { render: render!.QueueUrl!, preview: preview!.QueueUrl!, dlq: dlqUrl };
}

async function provisionTable(dynamodb: DynamoDBClient, table: string): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "ownerId", AttributeType: "S" },
          { AttributeName: "videoId", AttributeType: "S" },
          { AttributeName: "status", AttributeType: "S" },
          { AttributeName: "updatedAt", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "ownerId", KeyType: "HASH" },
          { AttributeName: "videoId", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: "byStatus",
            KeySchema: [
              { AttributeName: "status", KeyType: "HASH" },
              { AttributeName: "updatedAt", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
  } catch (e) {
    if (errorName(e) !== "ResourceInUseException") throw e;
  }
  // The SDK waiter polls at >= 1 s; the stand-ins are ready within milliseconds.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === "ACTIVE") return;
    if (Date.now() > deadline) throw new Error(`table ${table} is still ${Table?.TableStatus}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function findUserPoolId(cognito: CognitoIdentityProviderClient, name: string): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    const found = page.UserPools?.find((p) => p.Name === name);
    if (found?.Id) return found.Id;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

async function provisionCognito(cognito: CognitoIdentityProviderClient): Promise<{ userPoolId: string; clientId: string }> {
  const userPoolId =
    (await findUserPoolId(cognito, USER_POOL_SPEC.PoolName)) ??
    (await cognito.send(new CreateUserPoolCommand(USER_POOL_SPEC))).UserPool!.Id!;

  // Looked up by name so a restart keeps the client id the app (and any browser session) already knows.
  let clientId: string | undefined;
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken }));
    clientId = page.UserPoolClients?.find((c) => c.ClientName === RESOURCE_NAMES.userPoolClient)?.ClientId;
    NextToken = page.NextToken;
  } while (!clientId && NextToken);
  clientId ??= (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: RESOURCE_NAMES.userPoolClient,
        GenerateSecret: false,
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors: "ENABLED",
        EnableTokenRevocation: true,
      }),
    )
  ).UserPoolClient!.ClientId!;

  try {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: RESOURCE_NAMES.adminGroup }));
  } catch (e) {
    if (errorName(e) !== "GroupExistsException") throw e;
  }
  return { userPoolId, clientId };
}

/**
 * Creates (or finds) the bucket, queues, table, user pool, app client and admin group on any AWS-compatible
 * endpoints (the embedded stand-ins or moto's server), and returns the environment that points the app at them.
 * Safe to run again on the same backend.
 */
export async function provisionAws(target: ProvisionTarget, clients?: ProvisionClients): Promise<Record<string, string>> {
  const own = !clients;
  const c = clients ?? createProvisionClients(target);
  try {
    const [, queues, , cognito] = await Promise.all([
      provisionBucket(c.s3, RESOURCE_NAMES.bucket, target.webOrigin),
      provisionQueues(c.sqs),
      provisionTable(c.dynamodb, RESOURCE_NAMES.table),
      provisionCognito(c.cognito),
    ]);
    const credentials = target.credentials ?? LOCAL_CREDENTIALS;
    return {
      AWS_REGION: target.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
      AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
      S3_ENDPOINT: target.endpoints.s3,
      S3_FORCE_PATH_STYLE: "true",
      S3_BUCKET: RESOURCE_NAMES.bucket,
      SQS_ENDPOINT: target.endpoints.sqs,
      SQS_RENDER_QUEUE_URL: queues.render,
      SQS_PREVIEW_QUEUE_URL: queues.preview,
      SQS_DLQ_URL: queues.dlq,
      DYNAMODB_ENDPOINT: target.endpoints.dynamodb,
      DYNAMODB_TABLE: RESOURCE_NAMES.table,
      COGNITO_ENDPOINT: target.endpoints.cognito,
      COGNITO_USER_POOL_ID: cognito.userPoolId,
      COGNITO_CLIENT_ID: cognito.clientId,
      COGNITO_JWKS_URL: `${target.endpoints.cognito}/${cognito.userPoolId}/.well-known/jwks.json`,
    };
  } finally {
    if (own) destroyProvisionClients(c);
  }
}
