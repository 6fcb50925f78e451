# syntax=docker/dockerfile:1
# Guichet's image: the desk's server with the web app prebuilt. One image plays every role:
#   start (all roles, SQLite in /data), start --roles=web | worker | scheduler (PostgreSQL + Redis), sandbox.
# NODE_IMAGE: any Debian bookworm image with Node.js >= 20.19 and npm (docs/deploy.md builds one from Debian's
# packages where no image registry is reachable).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Compilers for the native modules (better-sqlite3, argon2) when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=true
# Manifests first: the dependency layer is rebuilt only when they change, not at every source edit.
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/connectors/package.json packages/connectors/
COPY packages/contracts/package.json packages/contracts/
COPY packages/x-sandbox/package.json packages/x-sandbox/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf apps/web/src apps/server/test apps/server/bench apps/server/load packages/*/src/*.test.ts

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: signals reach the desk (its SIGTERM handler drains jobs) and orphans are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && (getent group guichet || groupadd --system --gid 10001 guichet) \
 && useradd --system --uid 10001 --gid guichet --home-dir /data --shell /usr/sbin/nologin guichet \
 && mkdir -p /data && chown guichet:guichet /data && chmod 0700 /data
WORKDIR /app
# Owned by root and read-only for the desk's user: a compromised process cannot rewrite its own code.
COPY --from=build /app /app
ENV NODE_ENV=production \
    GUICHET_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
USER guichet
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers 200 while the database answers. Worker-only containers serve no HTTP: compose turns this
# check off for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "/app/apps/server/bin/guichet.mjs"]
CMD ["start"]
