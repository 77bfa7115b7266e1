# Build: restore and publish the service with its policies (rules/) and prompt templates (prompts/).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ReviewService.sln ./
COPY src/ReviewService/ReviewService.csproj src/ReviewService/
RUN dotnet restore src/ReviewService/ReviewService.csproj
COPY src/ReviewService/ src/ReviewService/
COPY rules/ rules/
COPY prompts/ prompts/
RUN dotnet publish src/ReviewService/ReviewService.csproj -c Release --no-restore -o /app

# Run: the ASP.NET Core runtime only, as the image's non-root 'app' user; the SQLite file lives on a volume.
# Tesseract (English) and pdftoppm read scanned documents (OCR); without them a scan gets a 422 naming these packages.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Reviews="Data Source=/data/reviews.db"
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "ReviewService.dll"]
