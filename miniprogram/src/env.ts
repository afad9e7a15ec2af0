/** Origin of the BFF ('' = same origin as the H5 page). Set per build with the BFF_ORIGIN env var. */
export const bffOrigin: string = BFF_ORIGIN
