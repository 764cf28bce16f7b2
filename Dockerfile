# The bot as a container image: `python -m bot run`, long polling, or a webhook when WEBHOOK_URL is set.
#   docker build -t ketamine-faq-bot .
#   docker run --rm --env-file .env ketamine-faq-bot                 # polling
#   docker run --rm --env-file .env -p 8080:8080 ketamine-faq-bot    # webhook (WEBHOOK_URL in .env)
# CI has no Docker engine: it lints this file (hadolint) and tests/test_dockerfile.py replays its COPY,
# WORKDIR, ENV and pip steps into a clean virtual environment, then runs the bot the way CMD does.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The project installed as a package, not editable and without the test tools; the sentence-encoder
# model ships inside it. The source is removed: the image runs the installed copy only.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot/ bot/
RUN pip install --no-cache-dir . && rm -rf /src

# What the bot reads where it runs: the knowledge folder, and data/ for the embedding cache, which
# is the only place it writes (a cold start rebuilds the cache). Knowledge stays read-only for the
# bot's user: to change it, redeploy or mount a volume over /app/knowledge (hot reload picks it up).
WORKDIR /app
COPY knowledge/ knowledge/
RUN useradd --system --no-log-init --uid 10001 --home-dir /app bot \
    && mkdir -p data/cache \
    && chown -R bot:bot data
ENV KNOWLEDGE_DIR=/app/knowledge \
    CACHE_DIR=/app/data/cache
USER 10001

# Embed the knowledge and fit the classifiers now, into the image's data/cache: a container's disk
# starts as the image left it, so every start is a warm one (about 2 s to the first answer instead
# of a cold build's 20 s or more). It also refuses to build an image whose knowledge does not load.
RUN python -m bot validate

# Webhook mode listens on $PORT (default 8080) and answers GET /healthz. A polling worker serves no
# HTTP, so there the check passes without asking anything: only a webhook bot can be unhealthy here.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; os.environ.get('WEBHOOK_URL') and r.urlopen('http://127.0.0.1:%s/healthz' % (os.environ.get('PORT') or 8080), timeout=4)"]

CMD ["python", "-m", "bot", "run"]
