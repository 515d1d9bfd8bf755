# syntax=docker/dockerfile:1
# loanstack: one image for every Moleculer service. Which services a container runs is chosen
# at run time by SERVICES (users, loans, audit, api), as docker-compose.yml and k8s/ do.

# --- build: the full toolchain, compiles TypeScript to dist/ -------------------------------
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would build before the sources are copied, and the embedded
# PostgreSQL's install script is for laptops; containers always get database URLs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only, resolved from the same lockfile -------------------
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: node, production node_modules and dist/, nothing else ------------------------
FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The code stays root-owned and read-only to the process; only the data directory
# (default ./data, unused when the *_DATABASE_URL variables are set) is writable.
RUN mkdir -p /app/data && chown node:node /app/data
# The "node" user (uid 1000) of the official image: never run as root.
USER node
# The gateway's port (PORT, default 8000); the other services talk over the transporter only.
EXPOSE 8000
# No HEALTHCHECK here: this one image also runs users, loans and audit, which serve no HTTP.
# The api's health check (GET /health) is declared where the api runs: docker-compose.yml
# and k8s/api.yaml.
CMD ["node", "dist/server.js"]
