/** Default router image: nginx built to run as non-root on 8080. */
export const DEFAULT_ROUTER_IMAGE = "nginxinc/nginx-unprivileged:1.27.3-alpine";
/** Port the router listens on inside its container. */
export const ROUTER_CONTAINER_PORT = 8080;
/** UID (and GID) of nginx in the unprivileged image. */
export const ROUTER_RUN_AS_USER = 101;
