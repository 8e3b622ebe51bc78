/** Default router image: nginx built to run as non-root on 8080. */
export const DEFAULT_ROUTER_IMAGE = "nginxinc/nginx-unprivileged:1.27.3-alpine";
/** Port the router listens on inside its container. */
export const ROUTER_CONTAINER_PORT = 8080;
/** UID (and GID) of nginx in the unprivileged image. */
export const ROUTER_RUN_AS_USER = 101;
/** Docker's embedded DNS server, on user-defined networks. */
export const DOCKER_DNS = "127.0.0.11";
/** kube-dns, resolved once at the router's start by the pod's resolver. */
export const KUBE_DNS = "kube-dns.kube-system.svc.cluster.local";
/** Where the router's deploy-time trusted proxies (`set_real_ip_from <front door address>;`) are mounted from its ConfigMap. */
export const TRUSTED_PROXIES_FILE = "/etc/nginx/tandem/trusted-proxies.conf";
/** What nginx.conf includes: a glob, so a router without the file (dev, nginx -t in tests) starts all the same. */
export const TRUSTED_PROXIES_INCLUDE = "/etc/nginx/tandem/*.conf";
