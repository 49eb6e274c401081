import { isIP } from "node:net";
import type { Config } from "@photoreel/config";

/**
 * The one origin browsers reach the media bucket at (presigned uploads, thumbnails, videos), addressed the way the
 * S3 client addresses it: virtual-hosted (`<bucket>.s3.<region>.amazonaws.com`, or `<bucket>.<endpoint host>`),
 * or the endpoint itself when the path style is forced or the bucket cannot be a host name. The CSP names this
 * origin and no other, so a page cannot send data to any other S3 bucket.
 */
export function bucketOrigin(config: Pick<Config, "S3_BUCKET" | "S3_ENDPOINT" | "S3_FORCE_PATH_STYLE" | "AWS_REGION">): string {
  const endpoint = new URL(config.S3_ENDPOINT ?? `https://s3.${config.AWS_REGION}.amazonaws.com`);
  // The SDK falls back to the path style for an IP address endpoint and for bucket names with dots.
  const pathStyle = config.S3_FORCE_PATH_STYLE || isIP(endpoint.hostname.replace(/^\[|\]$/g, "")) !== 0 || config.S3_BUCKET.includes(".");
  return pathStyle ? endpoint.origin : `${endpoint.protocol}//${config.S3_BUCKET}.${endpoint.host}`;
}
