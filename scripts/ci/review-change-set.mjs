// Decides whether a stack's pending change set may deploy without a person, and if so approves the manual
// approval action beside it. Run by the pipeline's review CodeBuild action (cloudformation/pipeline.yml):
//   node scripts/ci/review-change-set.mjs <stack-name> <change-set-name> <pipeline-name> <stage> <approval-action>
// A change set needs a person when it touches IAM (roles, policies: who may do what) or anything in the data
// stack (the database, the table, the queues, the secrets), or when it would replace or delete a resource that
// holds data. Everything else is approved here, so routine deploys flow.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const DATA_TYPES = /^AWS::(RDS|DynamoDB|SQS|SecretsManager|S3)::/;

/**
 * @param {string} stack the stack's name (photoreel-<env>-<stack>)
 * @param {{ ResourceChange?: { Action?: string; ResourceType?: string; LogicalResourceId?: string; Replacement?: string } }[]} changes
 * @returns {string[]} why a person must look (empty: it may flow)
 */
export function reasonsForApproval(stack, changes) {
  const reasons = [];
  for (const c of changes) {
    const rc = c.ResourceChange ?? {};
    const what = `${rc.Action} ${rc.LogicalResourceId} (${rc.ResourceType})`;
    if (/-data$/.test(stack)) reasons.push(`data stack: ${what}`);
    else if (String(rc.ResourceType).startsWith("AWS::IAM::")) reasons.push(`IAM: ${what}`);
    else if (DATA_TYPES.test(String(rc.ResourceType)) && (rc.Action === "Remove" || rc.Replacement === "True" || rc.Replacement === "Conditional"))
      reasons.push(`data-holding resource replaced or removed: ${what}`);
  }
  return reasons;
}

const aws = (...args) => JSON.parse(execFileSync("aws", [...args, "--output", "json"], { encoding: "utf8" }) || "null");

function changesOf(stack, changeSet) {
  const out = [];
  let token;
  do {
    const page = aws("cloudformation", "describe-change-set", "--stack-name", stack, "--change-set-name", changeSet, ...(token ? ["--next-token", token] : []));
    if (page.Status === "FAILED" && /didn't contain changes|No updates are to be performed/.test(page.StatusReason ?? "")) return [];
    out.push(...(page.Changes ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

async function approvalToken(pipeline, stage, action) {
  for (let i = 0; i < 60; i++) {
    const state = aws("codepipeline", "get-pipeline-state", "--name", pipeline);
    const a = state.stageStates?.find((s) => s.stageName === stage)?.actionStates?.find((x) => x.actionName === action);
    const token = a?.latestExecution?.status === "InProgress" ? a.latestExecution.token : undefined;
    if (token) return token;
    await new Promise((r) => setTimeout(r, 5000));
  }
  throw new Error(`the approval action ${stage}/${action} never started`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [stack, changeSet, pipeline, stage, action] = process.argv.slice(2);
  if (!action) {
    console.error("usage: review-change-set.mjs <stack> <change-set> <pipeline> <stage> <approval-action>");
    process.exit(2);
  }
  const changes = changesOf(stack, changeSet);
  const reasons = reasonsForApproval(stack, changes);
  for (const c of changes) console.log(`${c.ResourceChange?.Action} ${c.ResourceChange?.LogicalResourceId} ${c.ResourceChange?.ResourceType} replacement=${c.ResourceChange?.Replacement ?? "-"}`);
  if (reasons.length) {
    console.log(`${stack}: waiting for a person to approve ${stage}/${action}, because:\n  ${reasons.join("\n  ")}`);
  } else {
    const token = await approvalToken(pipeline, stage, action);
    const summary = changes.length ? `${changes.length} change(s), no IAM or data changes: approved by the review` : "no changes: approved by the review";
    execFileSync("aws", ["codepipeline", "put-approval-result", "--pipeline-name", pipeline, "--stage-name", stage, "--action-name", action,
      "--token", token, "--result", JSON.stringify({ summary, status: "Approved" })], { stdio: "inherit" });
    console.log(`${stack}: ${summary}`);
  }
}
