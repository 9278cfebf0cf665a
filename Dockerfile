# One image for the three services; the command picks the service (see docker-compose.yml).
#
# Build stage: the five project packages, installed (not editable) into a virtualenv together with their
# declared runtime dependencies only, pinned by requirements.lock used as a constraints file. The
# development tools in the lock (pytest, ruff, mypy, grpcurl, hypothesis ...) are never installed.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock ./
COPY libs/contracts ./libs/contracts
COPY libs/common ./libs/common
COPY services/api_manager ./services/api_manager
COPY services/cep ./services/cep
COPY services/ops ./services/ops
RUN python -m venv /opt/opsuite \
 && /opt/opsuite/bin/pip install -c requirements.lock \
      ./libs/contracts ./libs/common ./services/api_manager ./services/cep ./services/ops

# Run stage: the virtualenv and nothing else (no sources, no compilers, no pip cache), as a non-root user
# without a shell or home.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin opsuite
COPY --from=build /opt/opsuite /opt/opsuite
ENV PATH=/opt/opsuite/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /var/lib/opsuite
RUN chown opsuite:opsuite /var/lib/opsuite
USER 10001:10001
