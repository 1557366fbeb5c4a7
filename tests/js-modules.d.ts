// The launcher (tools/launcher/*.mjs) is plain JavaScript run without a build step; its tests
// import it untyped.
declare module '*.mjs';
