# One image for the three services; the command picks the service.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY libs ./libs
COPY services ./services
RUN pip install --no-cache-dir --no-deps -e libs/contracts -e libs/common \
      -e services/api_manager -e services/cep -e services/ops
ENV PYTHONUNBUFFERED=1
USER nobody
