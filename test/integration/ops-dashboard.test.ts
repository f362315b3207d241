import { DASHBOARD_COOKIE } from '../../src/http/queue-dashboard';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS } from '../helpers/services';

describe.each(DIALECTS)('queue dashboard on %s', (dialect) => {
  let parley: TestParley;
  let admin: string;
  let moderator: string;

  beforeAll(async () => {
    parley = await startTestParley({ dialect, worker: false });
    admin = (await parley.runtime.tokenService.create({ role: 'admin', label: 'dashboard' })).token;
    moderator = (await parley.runtime.tokenService.create({ role: 'moderator', label: 'not for queues' })).token;
  });
  afterAll(() => parley.close());

  const signIn = (token: string) => parley.http.post('/admin/queues/login').type('form').send({ token });
  const cookieOf = (res: { headers: Record<string, unknown> }) =>
    String((res.headers['set-cookie'] as string[])[0]).split(';')[0];

  it('answers 401 without a token and 403 to a moderator, and sends a browser to the sign-in form', async () => {
    const api = await parley.http.get('/admin/queues/api/queues').set('Accept', 'application/json');
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('unauthorized');
    const page = await parley.http.get('/admin/queues').set('Accept', 'text/html,application/xhtml+xml');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/queues/login');
    const asModerator = await parley.http.get('/admin/queues').set('Authorization', `Bearer ${moderator}`);
    expect(asModerator.status).toBe(403);
    const form = await parley.http.get('/admin/queues/login');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<form method="post" action="/admin/queues/login">');
    expect(form.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('shows every queue to an admin bearer token, with a policy that keeps the page on this server', async () => {
    const page = await parley.http.get('/admin/queues').set('Authorization', `Bearer ${admin}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<base href="/admin/queues/"');
    // Bull Board's page links Google Fonts; Parley serves it without.
    expect(page.text).not.toMatch(/googleapis|href="https?:/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toMatch(/googleapis|https:/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-powered-by']).toBeUndefined();
    const queues = await parley.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${admin}`);
    expect(queues.status).toBe(200);
    const names = (queues.body.queues as { name: string }[]).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(parley.runtime.queues.map((q) => q.name)));
    expect(names).toEqual(expect.arrayContaining(['moderation', 'feedback']));
  });

  it('signs a browser in with a cookie that is HttpOnly, SameSite=Strict and only for the dashboard', async () => {
    const bad = await signIn('tok_AAAAAAAAAAAA.' + 'x'.repeat(43));
    expect(bad.status).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
    expect(bad.text).toContain('not valid');
    const notAdmin = await signIn(moderator);
    expect(notAdmin.status).toBe(401);
    expect(notAdmin.headers['set-cookie']).toBeUndefined();

    const ok = await signIn(admin);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/queues');
    const setCookie = String((ok.headers['set-cookie'] as unknown as string[])[0]);
    expect(setCookie.startsWith(`${DASHBOARD_COOKIE}=`)).toBe(true);
    expect(setCookie).toMatch(/; Path=\/admin\/queues(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(setCookie).not.toMatch(/Max-Age|Expires/);
    const cookie = cookieOf(ok);

    expect((await parley.http.get('/admin/queues').set('Cookie', cookie)).status).toBe(200);
    expect((await parley.http.get('/admin/queues/api/queues').set('Cookie', cookie)).status).toBe(200);
    // The cookie is for the dashboard only: the admin API does not take it.
    expect((await parley.http.get('/v1/admin/sites').set('Cookie', cookie)).status).toBe(401);
  });

  it('refuses changes from another origin, and forgets a revoked token', async () => {
    const { token, record } = await parley.runtime.tokenService.create({ role: 'admin', label: 'soon revoked' });
    const cookie = cookieOf(await signIn(token));
    const foreign = await parley.http
      .put('/admin/queues/api/queues/moderation/pause')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    const foreignLogin = await parley.http
      .post('/admin/queues/login')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ token });
    expect(foreignLogin.status).toBe(403);
    const sibling = await parley.http
      .post('/admin/queues/login')
      .set('Sec-Fetch-Site', 'same-site')
      .type('form')
      .send({ token });
    expect(sibling.status).toBe(403);
    // Behind a TLS proxy the page is https and the request arrives as http: the same page still.
    const ownPage = parley.http.post('/admin/queues/login').type('form').send({ token });
    const proxied = await ownPage.set('Sec-Fetch-Site', 'same-origin').set('Origin', 'https://comments.example');
    expect(proxied.status).toBe(303);

    await parley.runtime.tokenService.revoke(record.id);
    const page = await parley.http.get('/admin/queues').set('Cookie', cookie).set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/queues/login');
    expect(String(page.headers['set-cookie'])).toMatch(new RegExp(`^${DASHBOARD_COOKIE}=;.*Max-Age=0`));
    expect((await parley.http.get('/admin/queues/api/queues').set('Cookie', cookie)).status).toBe(401);
  });

  it('counts its requests under its mount in the metrics', async () => {
    await parley.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${admin}`).expect(200);
    const metrics = (await parley.http.get('/metrics')).text;
    expect(metrics).toMatch(
      /^parley_http_requests_total\{method="GET",route="\/admin\/queues\/\*",status="200"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^parley_http_requests_total\{method="POST",route="\/admin\/queues\/login",status="303"\} [1-9]/m,
    );
  });

  it('signs out', async () => {
    const out = await parley.http.post('/admin/queues/logout');
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin/queues/login');
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
  });
});
