# The riskgraph API and workers, for docker-compose.yml. Neo4j and Redis run as their own
# services there, so this image needs neither Java nor Maven.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The analyst console's sources: the install's postinstall builds them into console/dist (its
# build tools are the console package's dependencies, so --omit=dev keeps them).
COPY console ./console
# npm install rather than npm ci: see .ci/run about the lockfile's optional packages.
RUN npm install --omit=dev --no-audit --no-fund
COPY schema ./schema
COPY src ./src
COPY seeds ./seeds
USER node
EXPOSE 4000
CMD ["node", "src/cli.ts", "serve"]
