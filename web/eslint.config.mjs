import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Named exports only (STYLE.md), except where Next.js requires a default export.
      "import/no-default-export": "error",
      // Product images come from /media at run time and the export is unoptimised: a plain <img> is right.
      "@next/next/no-img-element": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: [
      "app/**/page.tsx",
      "app/**/layout.tsx",
      "app/**/error.tsx",
      "app/**/global-error.tsx",
      "app/**/not-found.tsx",
      "app/**/loading.tsx",
      "*.config.{ts,mjs}",
    ],
    rules: { "import/no-default-export": "off" },
  },
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", "lib/api/generated/**", "test-results/**", "playwright-report/**"]),
]);
