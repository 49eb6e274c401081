import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./cfn";

/** IAM service prefix of an AWS SDK v3 module. */
export function servicePrefix(module: string): string | null {
  const m = /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb|lib-storage|s3-presigned-post)$/.exec(module);
  if (!m) return null;
  const name = m[1]!;
  const special: Record<string, string> = {
    "lib-dynamodb": "dynamodb",
    "lib-storage": "s3",
    "s3-presigned-post": "s3",
    "client-cognito-identity-provider": "cognito-idp",
    "client-secrets-manager": "secretsmanager",
    "client-cloudwatch": "cloudwatch",
    "client-cloudwatch-logs": "logs",
    "client-eventbridge": "events",
    "client-sfn": "states",
  };
  return special[name] ?? name.replace(/^client-/, "");
}

const S3: Record<string, string[]> = {
  ListObjectsV2: ["s3:ListBucket"], ListObjects: ["s3:ListBucket"], HeadBucket: ["s3:ListBucket"],
  HeadObject: ["s3:GetObject"], GetObject: ["s3:GetObject"], DeleteObjects: ["s3:DeleteObject"], DeleteObject: ["s3:DeleteObject"],
  PutObject: ["s3:PutObject"], CreateMultipartUpload: ["s3:PutObject"], UploadPart: ["s3:PutObject"],
  CompleteMultipartUpload: ["s3:PutObject"], CopyObject: ["s3:GetObject", "s3:PutObject"], UploadPartCopy: ["s3:GetObject", "s3:PutObject"],
  ListParts: ["s3:ListMultipartUploadParts"], AbortMultipartUpload: ["s3:AbortMultipartUpload"],
  ListMultipartUploads: ["s3:ListBucketMultipartUploads"], GetObjectAttributes: ["s3:GetObject"],
};
const SQS: Record<string, string[]> = {
  SendMessageBatch: ["sqs:SendMessage"], DeleteMessageBatch: ["sqs:DeleteMessage"],
  ChangeMessageVisibilityBatch: ["sqs:ChangeMessageVisibility"],
};
const DOC_CLIENT: Record<string, string[]> = {
  Put: ["dynamodb:PutItem"], Get: ["dynamodb:GetItem"], Update: ["dynamodb:UpdateItem"], Delete: ["dynamodb:DeleteItem"],
  Query: ["dynamodb:Query"], Scan: ["dynamodb:Scan"], BatchGet: ["dynamodb:BatchGetItem"], BatchWrite: ["dynamodb:BatchWriteItem"],
  TransactGet: ["dynamodb:GetItem"], TransactWrite: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
};
const DYNAMODB: Record<string, string[]> = {
  TransactGetItems: ["dynamodb:GetItem"],
  TransactWriteItems: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
};
/** Cognito user-pool APIs authorised by the user's token or unauthenticated: no IAM permission. */
export const COGNITO_NO_IAM = new Set([
  "InitiateAuth", "RespondToAuthChallenge", "SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
  "ConfirmForgotPassword", "GlobalSignOut", "RevokeToken", "GetUser", "ChangePassword", "UpdateUserAttributes",
  "DeleteUser", "VerifyUserAttribute", "GetUserAttributeVerificationCode", "AssociateSoftwareToken", "VerifySoftwareToken",
  "SetUserMFAPreference", "GetTokensFromRefreshToken",
]);

/** IAM actions one SDK command needs, or [] when none. */
export function actionsFor(module: string, command: string): string[] {
  const prefix = servicePrefix(module);
  if (!prefix) return [];
  const op = command.replace(/Command$/, "");
  if (module === "@aws-sdk/lib-dynamodb") return DOC_CLIENT[op] ?? [`dynamodb:${op}`];
  if (prefix === "s3") return S3[op] ?? [`s3:${op}`];
  if (prefix === "sqs") return SQS[op] ?? [`sqs:${op}`];
  if (prefix === "dynamodb") return DYNAMODB[op] ?? [`dynamodb:${op}`];
  if (prefix === "cognito-idp" && COGNITO_NO_IAM.has(op)) return [];
  return [`${prefix}:${op}`];
}

export interface Finding {
  file: string;
  module: string;
  symbol: string;
  actions: string[];
}

/** SDK calls in one source text: `new XxxCommand(` from a client module, lib-storage `new Upload(`, presigned POST. */
export function scanSource(text: string, file = "inline.ts"): Finding[] {
  const out: Finding[] = [];
  const importRe = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*["'](@aws-sdk\/[a-z0-9-]+)["']/g;
  for (const m of text.matchAll(importRe)) {
    if (m[1]) continue; // import type { ... }
    const module = m[3]!;
    for (const raw of m[2]!.split(",")) {
      const spec = raw.trim();
      if (!spec || spec.startsWith("type ")) continue;
      const [imported, local = imported] = spec.split(/\s+as\s+/).map((s) => s.trim()) as [string, string?];
      const used = (name: string) => new RegExp(`\\bnew\\s+${name}\\s*\\(`).test(text);
      if (imported.endsWith("Command") && used(local!)) {
        out.push({ file, module, symbol: imported, actions: actionsFor(module, imported) });
      } else if (module === "@aws-sdk/lib-storage" && imported === "Upload" && used(local!)) {
        out.push({ file, module, symbol: "Upload", actions: ["s3:PutObject", "s3:AbortMultipartUpload"] });
      } else if (module === "@aws-sdk/s3-presigned-post" && imported === "createPresignedPost" && new RegExp(`\\b${local}\\s*\\(`).test(text)) {
        out.push({ file, module, symbol: "createPresignedPost", actions: ["s3:PutObject"] });
      }
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === "node_modules" || name === "test" || name === "__tests__" || name === "e2e") continue;
      out.push(...sourceFiles(p));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !/\.(test|spec|int\.test)\.[a-z]+$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

export function scanDir(dir: string): Finding[] {
  return sourceFiles(dir).flatMap((f) => scanSource(readFileSync(f, "utf8"), relative(REPO_ROOT, f)));
}

/** The workspace packages an app depends on (`@photoreel/<name>` -> packages/<name>). */
/** The workspace packages an app reaches, following workspace dependencies transitively (apps -> bootstrap -> adapters). */
export function appPackages(app: string): string[] {
  const deps = (file: string) =>
    Object.keys((JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {})
      .filter((d) => d.startsWith("@photoreel/"))
      .map((d) => d.slice("@photoreel/".length));
  const seen = new Set<string>();
  const queue = deps(join(REPO_ROOT, "apps", app, "package.json"));
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...deps(join(REPO_ROOT, "packages", name, "package.json")));
  }
  return [...seen];
}

export function appDependsOn(app: string, dep: string): boolean {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "apps", app, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return dep in (pkg.dependencies ?? {});
}
