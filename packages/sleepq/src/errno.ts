/** Error numbers the sleep and lock layers return (FreeBSD/DragonFly values). */
export const EBUSY = 16;
export const EWOULDBLOCK = 35;
export const ENOLCK = 77;
export const EINTR = 4;
