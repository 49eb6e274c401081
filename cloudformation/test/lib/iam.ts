import type { Json, Renderer, Resource, Template } from "./cfn";

export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  resources: string[];
}

/** Glob as IAM does it: `*` matches any run of characters (including `/`), `?` one; case-sensitive resources. */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`,
    caseInsensitive ? "i" : "",
  );
  return re.test(value);
}

/** The inline policy statements of an IAM role (managed policies are AWS's and are not inspected). */
export function roleStatements(role: Resource, t: Template, r: Renderer): Statement[] {
  const out: Statement[] = [];
  const policies = (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Json[] } }[];
  for (const p of policies) {
    for (let s of p.PolicyDocument.Statement) {
      const branches: Json[] = [];
      if (s && typeof s === "object" && !Array.isArray(s) && "Fn::If" in s) {
        const [, a, b] = (s as { "Fn::If": Json[] })["Fn::If"];
        branches.push(a!, b!);
      } else branches.push(s);
      for (s of branches) {
        const st = s as { Sid?: string; Effect: string; Action: Json; Resource: Json };
        out.push({
          sid: st.Sid,
          effect: st.Effect,
          actions: (Array.isArray(st.Action) ? st.Action : [st.Action]).map(String),
          resources: r.renderList(st.Resource, t),
        });
      }
    }
  }
  return out;
}

export function isAllowed(statements: Statement[], action: string, resource: string): boolean {
  const allowed = statements.some(
    (s) => s.effect === "Allow" && s.actions.some((a) => globMatch(a, action, true)) && s.resources.some((p) => globMatch(p, resource)),
  );
  const denied = statements.some(
    (s) => s.effect === "Deny" && s.actions.some((a) => globMatch(a, action, true)) && s.resources.some((p) => globMatch(p, resource)),
  );
  return allowed && !denied;
}

/** A granted resource is within bounds when one allowed pattern covers it (its own `*` read literally). */
export function resourceWithin(granted: string, allowedPatterns: string[]): boolean {
  return allowedPatterns.some((p) => globMatch(p, granted));
}
