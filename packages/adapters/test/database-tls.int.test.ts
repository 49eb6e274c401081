import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { chownSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@photoreel/db";
import { startThrowawayPostgres } from "@photoreel/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTls, rdsCertificateAuthorities } from "../src/aws/database-secret";

/**
 * verify-full against the real PostgreSQL server with TLS on: a certificate authority made here signs the server's
 * certificate for "localhost" (RDS's CAs can't sign one for this machine), and the same options the apps use on AWS
 * accept it only with the right CA and the right host name.
 */
let server: Awaited<ReturnType<typeof startThrowawayPostgres>>;
let ca: string;
let otherCa: string;

function makeCa(dir: string, name: string): string {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.pem`)], { stdio: "ignore" });
  return readFileSync(join(dir, `${name}.pem`), "utf8");
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-tls-"));
  ca = makeCa(dir, "test-ca");
  otherCa = makeCa(dir, "other-ca");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost\n");
  execFileSync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.csr")], { stdio: "ignore" });
  execFileSync("openssl", ["x509", "-req", "-in", join(dir, "server.csr"), "-CA", join(dir, "test-ca.pem"), "-CAkey", join(dir, "test-ca.key"), "-CAcreateserial", "-days", "2", "-extfile", join(dir, "ext.cnf"), "-out", join(dir, "server.pem")], { stdio: "ignore" });
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    // The server runs as postgres: it must reach the folder and own its key.
    for (const f of ["", "server.key", "server.pem"]) chownSync(join(dir, f), uid, gid);
  }
  execFileSync("chmod", ["600", join(dir, "server.key")]);
  server = await startThrowawayPostgres({ serverOptions: `-c ssl=on -c ssl_cert_file=${join(dir, "server.pem")} -c ssl_key_file=${join(dir, "server.key")}` });
}, 60_000);
afterAll(async () => server?.stop());

async function connect(host: string, caList: string[]) {
  const { db } = createDb({ url: `postgres://postgres@${host}:${server.port}/postgres`, ssl: databaseTls(caList), poolSize: 1 });
  try {
    return (await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(db)).rows[0]?.ssl;
  } finally {
    await db.destroy();
  }
}

describe("database TLS (verify-full)", () => {
  it("connects over TLS when the server's certificate chains to the given CA and names the host", async () => {
    expect(await connect("localhost", [ca])).toBe(true);
  });

  it("refuses a server whose certificate another CA signed", async () => {
    await expect(connect("localhost", [otherCa])).rejects.toThrow(/self[- ]signed|unable to verify|unable to get local issuer/i);
  });

  it("refuses a certificate for another host name (verify-full, not just verify-ca)", async () => {
    await expect(connect("127.0.0.1", [ca])).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list|altnames/i);
  });

  it("on AWS it trusts the RDS certificate authorities, shipped with the code", () => {
    const cas = rdsCertificateAuthorities().map((pem) => new X509Certificate(pem));
    expect(cas.length).toBeGreaterThan(10);
    // Amazon's RDS authorities, and the roots RDS Proxy's chain ends in (Amazon Root CA 1-4, Starfield G2): nothing else.
    const others = cas.filter((c) => !/OU=Amazon RDS/.test(c.subject)).map((c) => /CN=([^\n]*)/.exec(c.subject)?.[1]);
    expect(others.sort()).toEqual(["Amazon Root CA 1", "Amazon Root CA 2", "Amazon Root CA 3", "Amazon Root CA 4", "Starfield Services Root Certificate Authority - G2"]);
    expect(cas.some((c) => /CN=Amazon RDS us-east-1 Root CA RSA2048 G1/.test(c.subject))).toBe(true);
    expect(databaseTls()).toMatchObject({ rejectUnauthorized: true });
  });
});
