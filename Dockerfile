# gazebot: slim Python, non-root, the database on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    GAZEBOT_DB_PATH=/data/gazebot.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data gazebot \
    && mkdir -p /data && chown gazebot /data

USER gazebot
VOLUME ["/data"]

# `gazebot run` touches <db>.heartbeat every 30 s while its loops are alive.
HEALTHCHECK --interval=60s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os,sys,time; p=os.environ['GAZEBOT_DB_PATH']+'.heartbeat'; sys.exit(0 if time.time()-os.path.getmtime(p)<120 else 1)"

CMD ["gazebot", "run"]
