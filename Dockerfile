# Dossier: one static binary for every role (`dossier worker|api|bridge|dev`).
# docker-compose.yml builds it once per role; the subcommand is the command.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first: this layer stays cached until go.mod or go.sum change.
COPY go.mod go.sum ./
# go.mod replaces gofpdf with the patched copy in third_party/.
COPY third_party/ third_party/
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -o /out/dossier ./cmd/dossier

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dossier /dossier
# distroless/static ships CA certificates and tzdata; nonroot is uid 65532.
# It has no shell and no HTTP client: healthchecks run `/dossier healthcheck URL`.
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/dossier"]
