export * from "./front-door";
export * from "./rules";
export { FRONT_DOOR_NAME_MAX, FRONT_DOOR_NAME_SUFFIXES } from "./private/names";
