# photoreel build: installs, checks and bundles every app once per commit; apps/api/Dockerfile and
# apps/worker/Dockerfile copy their output from this image instead of building again.
# Build context: the repository root. buildspec.yml runs:
#   docker build --target build -t photoreel-build .     (install + bundles, /out/<app>)
#   docker build --target test  -t photoreel-test  .     (the same, plus the tools the test suites talk to)
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# The worker's runtime base: Debian bookworm with its FFmpeg 5.1 and the drawtext font (the same apt line as
# apps/worker/Dockerfile; a test keeps them equal). The suites run on this, so CI tests the FFmpeg that ships.
FROM ${NODE_IMAGE} AS base
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

FROM base AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true TURBO_TELEMETRY_DISABLED=1
RUN npm i -g pnpm@12.4.2
WORKDIR /repo
# Dependencies before sources: this layer is reused until the lockfile changes, whatever else a commit touches.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN pnpm build
# Production node_modules for what stays external to each bundle (sharp, ...), hoisted flat so a transitive
# dependency resolves from dist/. dist/ is git-ignored, which deploy may honour, so each bundle is copied in.
RUN for app in api-server:api worker:worker thumbnailer:thumbnailer; do \
      pkg=${app%%:*} dir=${app##*:}; \
      pnpm --filter "@photoreel/$pkg" --config.node-linker=hoisted deploy --prod "/out/$dir" \
      && rm -rf "/out/$dir/dist" "/out/$dir/src" && cp -r "apps/$dir/dist" "/out/$dir/dist" || exit 1; \
    done \
 && cp -r apps/web/dist /out/api/web

# The test run: the build above plus PostgreSQL of the major version RDS runs (from the PostgreSQL project's apt
# repository; Debian bookworm's own is 15), moto and cfn-lint at the versions the repository pins.
FROM build AS test
ARG POSTGRES_MAJOR=17
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common python3-pip ca-certificates \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends "postgresql-$POSTGRES_MAJOR" \
 && printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' \
      > "/etc/postgresql/$POSTGRES_MAJOR/main/pg_hba.conf" \
 && pip3 install --quiet --break-system-packages -r scripts/ci/python-tools.txt \
 && rm -rf /var/lib/apt/lists/*
CMD ["bash", "scripts/ci/test-in-image.sh"]
