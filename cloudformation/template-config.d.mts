export interface TemplateConfigInput {
  envName: string;
  imageTag: string;
  artifactBucket: string;
  thumbnailerCodeKey: string;
}
export function templateConfigs(o: TemplateConfigInput): Record<string, { Parameters: Record<string, string> }>;
export function pipelineConfig(current: { ParameterKey: string; ParameterValue?: string; ResolvedValue?: string }[]): { Parameters: Record<string, string> };
