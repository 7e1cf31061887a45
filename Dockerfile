# The service's image: the API server, and (as a Kubernetes Job's command) the worker.
#   docker build -t agricarta-preprocessing .      (or: buildah bud / podman build)
# Both stages start from the same Node 24 image; NODE_IMAGE lets a mirror or a local stand-in replace it.
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: compile TypeScript and build gdal-async against Debian's GDAL (its prebuilt binaries are not used).
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgdal-dev g++ make python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# node-gyp builds against this image's own Node headers (/usr/local/include/node), not a download.
ENV npm_config_build_from_source=true \
    npm_config_shared_gdal=true \
    npm_config_nodedir=/usr/local
# Behind a TLS-inspecting proxy, give npm the proxy's CA bundle as a build secret (it is never stored in a layer):
#   docker build --secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt .
RUN --mount=type=secret,id=ca-certificates,required=false \
    if [ -s /run/secrets/ca-certificates ]; then export npm_config_cafile=/run/secrets/ca-certificates; fi \
 && npm ci --no-audit --no-fund --loglevel=error \
 && node -e "console.log('gdal-async', require('gdal-async').version)"
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund --loglevel=error

# --- runtime: GDAL's shared library (no headers, no compiler), production dependencies, the built JavaScript.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgdal32 tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 agricarta \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin agricarta
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# A numeric user, so Kubernetes can check runAsNonRoot.
USER 10001:10001
EXPOSE 5000
# tini reaps orphaned processes (a dead worker's tar); the server handles SIGTERM itself (drain, then exit).
# Arguments go to the server: `--config /code/config.yaml`. Worker Jobs set their own command:
# node /app/dist/worker/main.js <job directory>.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/server.js"]
