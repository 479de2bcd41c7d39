// Swagger UI over the OpenAPI this server serves, with "Try it out" calling this same server. The token lives in
// sessionStorage (the console keeps its sign-in there too): never in a URL, gone when the tab closes.
const KEY = 'mediaup.token';
const state = document.getElementById('token-state');
const show = () => { state.textContent = sessionStorage.getItem(KEY) ? 'A token is set for this tab.' : 'No token: calls are anonymous.'; };
document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('token');
  if (input.value.trim()) sessionStorage.setItem(KEY, input.value.trim());
  input.value = '';
  show();
});
document.getElementById('forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); show(); });
show();

const spec = await (await fetch('/2/openapi.json')).json();
spec.servers = [{ url: location.origin, description: 'this mediaup server' }];
window.ui = SwaggerUIBundle({
  spec,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  // the signed-in token goes with every call the page makes, unless one was set with "Authorize"
  requestInterceptor: (req) => {
    const token = sessionStorage.getItem(KEY);
    if (token && !req.headers.Authorization) req.headers.Authorization = `Bearer ${token}`;
    return req;
  },
});
