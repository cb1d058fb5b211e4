# syntax=docker/dockerfile:1
# dsync server image. Point it at PostgreSQL with DATABASE_URL; the embedded database
# that `npm start` falls back to is meant for a laptop, not for a container.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# bin/ first: npm ci runs the `prepare` script (bin/link-bin.js).
COPY bin ./bin
# Exactly the lock file's versions (it lists every platform's optional native bindings).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY migrations ./migrations
COPY openapi ./openapi
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# `dsync` (bin/dsync.js) runs dist/ here: the image has no src/ to be newer than it.
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/openapi ./openapi
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# The slim image has no curl; Node's fetch does the probe. /healthz never touches the
# database, so a slow database does not get the container restarted (use /readyz for traffic).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main applies pending migrations (under an advisory lock) before it listens, and
# finishes in-flight requests on SIGTERM (docker stop) within SHUTDOWN_TIMEOUT_MS.
CMD ["node", "dist/src/main.js"]
