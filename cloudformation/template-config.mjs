// Writes the CloudFormation template configuration files (cfn/<stack>.json) the pipeline's deploy actions read.
// Run by buildspec.yml: node cloudformation/template-config.mjs cfn
// Values that change per build live here; values fixed per environment are ParameterOverrides in pipeline.yml.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** @param {{ envName: string, imageTag: string, artifactBucket: string, thumbnailerCodeKey: string }} o */
export function templateConfigs(o) {
  const env = { EnvName: o.envName };
  return {
    network: { Parameters: env },
    auth: { Parameters: env },
    data: { Parameters: env },
    edge: { Parameters: env },
    config: { Parameters: env },
    media: { Parameters: { ...env, ArtifactBucket: o.artifactBucket, ThumbnailerCodeKey: o.thumbnailerCodeKey } },
    app: { Parameters: { ...env, ImageTag: o.imageTag } },
    monitoring: { Parameters: env },
  };
}

/**
 * The pipeline stack's template configuration for its self-update: the parameters it runs with now (from
 * `aws cloudformation describe-stacks ... --query Stacks[0].Parameters`), so an update never resets one to its default.
 * @param {{ ParameterKey: string, ParameterValue?: string, ResolvedValue?: string }[]} current
 */
export function pipelineConfig(current) {
  return { Parameters: Object.fromEntries(current.map((p) => [p.ParameterKey, p.ParameterValue ?? ""])) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? "cfn";
  const need = (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} must be set`);
    return v;
  };
  const imageTag = need("IMAGE_TAG");
  const configs = templateConfigs({
    envName: need("ENV_NAME"),
    imageTag,
    artifactBucket: need("ARTIFACT_BUCKET"),
    thumbnailerCodeKey: process.env.THUMBNAILER_CODE_KEY ?? `thumbnailer/${imageTag}.zip`,
  });
  // The pipeline's own parameters, when the build could read them (PIPELINE_PARAMETERS_JSON, from describe-stacks).
  if (process.env.PIPELINE_PARAMETERS_JSON) configs.pipeline = pipelineConfig(JSON.parse(process.env.PIPELINE_PARAMETERS_JSON));
  mkdirSync(outDir, { recursive: true });
  for (const [stack, body] of Object.entries(configs)) {
    writeFileSync(join(outDir, `${stack}.json`), `${JSON.stringify(body, null, 2)}\n`);
    console.log(`wrote ${join(outDir, `${stack}.json`)}`);
  }
}
