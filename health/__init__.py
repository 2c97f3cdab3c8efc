"""Whether the site can answer, and what readers get when it cannot.

- `unavailable.server_error`, the site's 500 handler: when the database is down or a query timed out, a
  503 page in the site's look with Retry-After (rendered without the database), logged in one line.
- `views.healthz` (the process answers) and `views.readyz` (the database, the cache and media storage
  answer), for load balancers and monitoring; never cached.
"""
