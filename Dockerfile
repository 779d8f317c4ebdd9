# Sovereign gateway image: build with the dev toolchain, run with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4000
# glibc keeps the ~19 MiB each password check (argon2) allocates in the thread's arena for reuse, about
# 80 MiB of resident memory for good; from 1 MiB up it maps and unmaps instead (README, Memory).
ENV MALLOC_MMAP_THRESHOLD_=1048576
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json and bin/ make `npx sovereign <command>` (the operator CLI) work in the container.
COPY package.json ./
COPY bin ./bin
# /app stays root's; the one place the gateway's user writes is exports/, for export-tenant archives
# (`npx sovereign export-tenant SLUG exports/FILE`) and those to import. Mount a volume on it to keep them.
RUN install -d -o node -g node -m 0750 /app/exports
USER node
EXPOSE 4000
# Shell form, so the check follows PORT when it is changed at run time.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:${PORT:-4000}/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/src/main.js"]
