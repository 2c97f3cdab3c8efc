from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import TemplateView

from articles import editor
from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from bodylab.sitemaps import SITEMAPS
from pagecache import public_page
from signin.forms import StaffLoginForm

admin.site.site_header = "The Body Lab — content"
admin.site.site_title = "The Body Lab admin"
admin.site.index_title = "Articles and references"
admin.site.login_form = StaffLoginForm  # asks for the authenticator app's code (signin/)
admin.site.login_template = "signin/login.html"
# The home page lists every model already; beside a list's filters the sidebar left a laptop ~630 pixels of table.
admin.site.enable_nav_sidebar = False


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin's pages): the site's icon."""
    return HttpResponsePermanentRedirect(static_url("img/favicon.svg"))


urlpatterns = [
    path("admin/two-step/", include("signin.urls")),
    path("admin/", admin.site.urls),
    # The paths django-markdownx's widget posts to, served by our safe views.
    path("markdownx/markdownify/", editor.preview, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.upload, name="markdownx_upload"),
    path("references/", include("references.urls")),
    path("practitioners/", include("practitioners.urls")),
    path("topics/", include("topics.urls")),
    path("search/", include("search.urls")),
    path("glossary/", include("glossary.urls")),
    path("contact/", include("clinic.urls")),
    path("feeds/rss/", public_page(LatestArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", public_page(LatestArticlesAtomFeed()), name="feed-atom"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        public_page(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path("", include("health.urls")),
    path("favicon.ico", favicon),
    path("", include("articles.urls")),
]

# The 500 page, or the 503 page when the database did not answer (health/unavailable.py).
handler500 = "health.unavailable.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
