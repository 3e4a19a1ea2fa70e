# The HTTP API and web page: docker build -t spamscalpel . && docker run -p 8000:8000 spamscalpel
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install --no-cache-dir '.[server]' && useradd --system --no-create-home spamscalpel
USER spamscalpel
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=3)"
ENTRYPOINT ["spamscalpel"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
