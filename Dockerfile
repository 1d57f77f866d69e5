# syntax=docker/dockerfile:1
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY migrations migrations
COPY scripts scripts
COPY bench bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY prompts prompts
USER node
EXPOSE 3000
# V8 flags go on the command line (Node refuses them in NODE_OPTIONS): src/v8-flags.ts.
CMD ["node", "--no-allocation-site-pretenuring", "--heap-growing-percent=100", "--min-semi-space-size=16", "dist/src/main.js"]
