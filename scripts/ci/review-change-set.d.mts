export function reasonsForApproval(
  stack: string,
  changes: { ResourceChange?: { Action?: string; ResourceType?: string; LogicalResourceId?: string; Replacement?: string } }[],
): string[];
