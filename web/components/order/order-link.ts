export function orderStatusHref(number: string, accessToken: string): string {
  return `/order/?number=${encodeURIComponent(number)}&token=${encodeURIComponent(accessToken)}`;
}
