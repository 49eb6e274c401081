import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, type Scalar, type ScalarTag, type CollectionTag, type YAMLMap, type YAMLSeq } from "yaml";

export const CFN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REPO_ROOT = resolve(CFN_DIR, "..");

/** Values the symbolic renderer uses for pseudo parameters and the EnvName prefix. */
export const ENV = "test";
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const PSEUDO: Record<string, string> = {
  "AWS::Region": REGION,
  "AWS::AccountId": ACCOUNT,
  "AWS::Partition": "aws",
  "AWS::StackName": "stack",
  "AWS::StackId": "stack-id",
  "AWS::URLSuffix": "amazonaws.com",
  "AWS::NoValue": "",
  "AWS::NotificationARNs": "",
};

// ---------- parsing CloudFormation YAML short-form tags ----------
const FN: Record<string, string> = {
  "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!ImportValue": "Fn::ImportValue", "!Join": "Fn::Join", "!If": "Fn::If",
  "!Equals": "Fn::Equals", "!Select": "Fn::Select", "!GetAZs": "Fn::GetAZs", "!Split": "Fn::Split",
  "!FindInMap": "Fn::FindInMap", "!Not": "Fn::Not", "!And": "Fn::And", "!Or": "Fn::Or", "!Base64": "Fn::Base64",
  "!Cidr": "Fn::Cidr",
};
function tagsFor(tag: string): (ScalarTag | CollectionTag)[] {
  const key = tag === "!Ref" ? "Ref" : tag === "!Condition" ? "Condition" : FN[tag]!;
  const scalar: ScalarTag = {
    tag,
    resolve: (str: string) => {
      if (tag === "!GetAtt") {
        const dot = str.indexOf(".");
        return { [key]: [str.slice(0, dot), str.slice(dot + 1)] } as unknown as Scalar;
      }
      return { [key]: str } as unknown as Scalar;
    },
  };
  const seq: CollectionTag = {
    tag,
    collection: "seq",
    resolve: (node) => ({ [key]: (node as YAMLSeq).toJSON() }) as unknown as YAMLSeq,
  };
  const map: CollectionTag = {
    tag,
    collection: "map",
    resolve: (node) => ({ [key]: (node as YAMLMap).toJSON() }) as unknown as YAMLMap,
  };
  return [scalar, seq, map];
}
const CUSTOM_TAGS = ["!Ref", "!Condition", ...Object.keys(FN)].flatMap(tagsFor);

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Condition?: string;
  DependsOn?: string | string[];
  [k: string]: unknown;
}
export interface Template {
  file: string;
  stack: string;
  Parameters: Record<string, { Type: string; Default?: Json }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

export function parseTemplate(text: string, file = "inline.yml"): Template {
  const doc = parse(text, { customTags: CUSTOM_TAGS, uniqueKeys: true, maxAliasCount: -1 }) as Partial<Template>;
  return {
    file,
    stack: basename(file).replace(/\.ya?ml$/, ""),
    Parameters: doc.Parameters ?? {},
    Conditions: doc.Conditions ?? {},
    Resources: doc.Resources ?? {},
    Outputs: doc.Outputs ?? {},
  };
}

export function templateFiles(): string[] {
  return readdirSync(CFN_DIR).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(CFN_DIR, f));
}
export function loadTemplates(): Template[] {
  return templateFiles().map((f) => parseTemplate(readFileSync(f, "utf8"), f));
}

// ---------- walking intrinsic functions ----------
export type Intrinsic =
  | { kind: "Ref"; name: string; path: string }
  | { kind: "GetAtt"; name: string; attr: string; path: string }
  | { kind: "Sub"; name: string; path: string }
  | { kind: "ImportValue"; value: Json; path: string }
  | { kind: "Condition"; name: string; path: string };

/** Names a `${...}` in a Sub string refers to (without the literal `${!...}` escapes). */
export function subReferences(str: string): string[] {
  return [...str.matchAll(/\$\{([^}!][^}]*)\}/g)].map((m) => m[1]!.trim());
}

export function walkIntrinsics(node: Json, path = "", out: Intrinsic[] = []): Intrinsic[] {
  if (Array.isArray(node)) node.forEach((n, i) => walkIntrinsics(n, `${path}[${i}]`, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      const p = `${path}.${k}`;
      if (k === "Ref" && typeof v === "string") out.push({ kind: "Ref", name: v, path: p });
      else if (k === "Fn::GetAtt") {
        const [name, attr] = Array.isArray(v) ? (v as string[]) : String(v).split(/\.(.*)/);
        out.push({ kind: "GetAtt", name: String(name), attr: String(attr), path: p });
      } else if (k === "Fn::Sub") {
        const [str, vars] = Array.isArray(v) ? [v[0] as string, (v[1] ?? {}) as Record<string, Json>] : [v as string, {}];
        for (const name of subReferences(str)) if (!(name in vars)) out.push({ kind: "Sub", name, path: p });
        walkIntrinsics(vars, p, out);
        continue;
      } else if (k === "Fn::ImportValue") out.push({ kind: "ImportValue", value: v, path: p });
      else if ((k === "Condition" || k === "Fn::If") && path !== "") {
        // A container's DependsOn has a Condition too (START, SUCCESS...): that one is not a template condition.
        if (k === "Condition" && typeof v === "string" && !/\.DependsOn\[\d+\]$/.test(path)) out.push({ kind: "Condition", name: v, path: p });
        if (k === "Fn::If" && Array.isArray(v)) out.push({ kind: "Condition", name: String(v[0]), path: p });
      }
      walkIntrinsics(v, p, out);
    }
  }
  return out;
}

// ---------- rendering expressions to symbolic strings ----------
/**
 * Renders an expression to a string with symbolic values: parameters take `params` or their default, pseudo
 * parameters fixed values, resources `ref(stack.Id)` / `att(stack.Id.Attr)`, and ImportValue the rendered value of
 * the output that exports that name. Fn::If renders its first branch.
 */
export class Renderer {
  constructor(
    readonly templates: Template[],
    readonly params: Record<string, string> = { EnvName: ENV },
  ) {}

  exportsByName(): Map<string, { template: Template; value: Json }> {
    const m = new Map<string, { template: Template; value: Json }>();
    for (const t of this.templates)
      for (const o of Object.values(t.Outputs))
        if (o.Export) m.set(String(this.render(o.Export.Name, t)), { template: t, value: o.Value });
    return m;
  }

  importValue(name: string): string | string[] {
    const e = this.exportsByName().get(name);
    if (!e) throw new Error(`no template exports ${name}`);
    return this.render(e.value, e.template);
  }

  private resolveName(name: string, t: Template, vars: Record<string, Json> = {}): string {
    if (name in vars) return String(this.render(vars[name]!, t));
    if (name in PSEUDO) return PSEUDO[name]!;
    const [id, ...attr] = name.split(".");
    if (attr.length) return `att(${t.stack}.${id}.${attr.join(".")})`;
    if (name in t.Parameters) return this.params[name] ?? String(t.Parameters[name]!.Default ?? `param(${name})`);
    if (name in t.Resources) return `ref(${t.stack}.${name})`;
    throw new Error(`${t.stack}: unresolved ${name}`);
  }

  render(node: Json, t: Template): string | string[] {
    if (node === null || typeof node !== "object") return String(node);
    if (Array.isArray(node)) return node.map((n) => String(this.render(n, t)));
    const [k, v] = Object.entries(node)[0] ?? [];
    switch (k) {
      case "Ref":
        return this.resolveName(String(v), t);
      case "Fn::GetAtt": {
        const [id, attr] = v as string[];
        return `att(${t.stack}.${id}.${attr})`;
      }
      case "Fn::Sub": {
        const [str, vars] = Array.isArray(v) ? [String(v[0]), (v[1] ?? {}) as Record<string, Json>] : [String(v), {}];
        return str
          .replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => this.resolveName(name.trim(), t, vars))
          .replace(/\$\{!/g, "${");
      }
      case "Fn::Join": {
        const [sep, list] = v as [string, Json];
        const items = this.render(list, t);
        return (Array.isArray(items) ? items : [items]).join(sep);
      }
      case "Fn::ImportValue":
        return this.importValue(String(this.render(v as Json, t)));
      case "Fn::Split": {
        const [sep, s] = v as [string, Json];
        return String(this.render(s, t)).split(sep);
      }
      case "Fn::Select": {
        const [i, list] = v as [Json, Json];
        const items = this.render(list, t);
        return Array.isArray(items) ? items[Number(i)] ?? "" : items;
      }
      case "Fn::If":
        return this.render((v as Json[])[1]!, t);
      default:
        return JSON.stringify(node);
    }
  }

  renderList(node: Json | undefined, t: Template): string[] {
    if (node === undefined) return [];
    if (Array.isArray(node)) return node.flatMap((n) => this.renderList(n, t));
    const r = this.render(node, t);
    return Array.isArray(r) ? r : [r];
  }
}

export function find(templates: Template[], stack: string): Template {
  const t = templates.find((x) => x.stack === stack);
  if (!t) throw new Error(`no template ${stack}.yml`);
  return t;
}
