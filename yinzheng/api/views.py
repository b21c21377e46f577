"""The schema download, under a name every client can save."""

from drf_spectacular.views import SpectacularAPIView


class SchemaView(SpectacularAPIView):
    """drf-spectacular names the file after the title ("印证 yinzheng API.yaml"); a
    non-ASCII header value goes out MIME-encoded, which curl and most clients cannot
    use (issue 13, finding 6). The file keeps a plain ASCII name instead."""

    def _get_filename(self, request, version):
        suffix = self.perform_content_negotiation(request, force=True)[0].format
        return f"yinzheng-openapi{f'-{version}' if version else ''}.{suffix}"
