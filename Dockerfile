# infra-architect in a container: `docker build -t infra-architect .`, then
#   docker run --rm -v "$PWD:/work" infra-architect review .
#   docker run --rm -v "$PWD:/work" infra-architect design spec.yaml -o out
# design, review, constraints, simulate and cost need nothing else; validate runs
# terraform, kubectl and checkov only where they are on PATH (it reports the others
# as skipped), so mount or add them in a derived image for the full check.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

WORKDIR /opt/infra-architect
# only what the wheel is built from: the layer is rebuilt when the tool changes, not
# when tests or docs do
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 --user-group architect

# the reviewed or designed repository is mounted here; files written there belong to
# uid 10001 (pass --user "$(id -u):$(id -g)" to write them as yourself)
WORKDIR /work
USER 10001:10001

ENTRYPOINT ["infra-architect"]
CMD ["--help"]
