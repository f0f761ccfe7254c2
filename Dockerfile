FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1

# WeasyPrint runtime libraries and fonts.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN pip install uv

WORKDIR /app

# Dependencies first, so that code changes do not invalidate this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN uv sync --frozen --no-dev

ENV PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings \
    DATA_DIR=/data \
    STATIC_ROOT=/app/static

# Static files are built into the image (translations are committed compiled). The
# SECRET_KEY here is a placeholder that exists only in this step's environment.
RUN SECRET_KEY=build-only-placeholder-not-a-secret DEBUG=0 DATA_DIR=/tmp/build-data \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data

USER app
VOLUME ["/data"]
EXPOSE 8000

CMD ["gunicorn", "--config", "python:config.gunicorn_conf", "config.wsgi:application"]
