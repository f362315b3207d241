# syntax=docker/dockerfile:1

# Build stage: compiles TypeScript and better-sqlite3's native addon, then drops dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY src ./src
COPY workers ./workers
COPY scripts ./scripts
# `npm ci` runs the `prepare` script, which builds dist/. Then `npm prune --omit=dev`
# leaves exactly the tree `npm ci --omit=dev` would install (same lockfile), keeping the
# better-sqlite3 addon compiled above: running `npm ci --omit=dev` in the final stage
# instead would need python3, make and g++ there (or a download of a prebuilt addon),
# and `prepare` would fail without the dev dependencies. The final stage copies only
# this pruned node_modules, dist/ and package.json: no compilers, sources or dev tools.
RUN npm ci && npm prune --omit=dev

# Runtime stage: only what runs, as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    PARLEY_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The default moderation model, loaded by every process at start.
COPY models ./models
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 3000: the API. 9100: /metrics and /healthz when PARLEY_METRICS_PORT=9100 (compose sets it).
EXPOSE 3000 9100
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `start` runs the API and the workers together; compose runs `api` and `worker` separately.
CMD ["node", "dist/src/main.js", "start"]
