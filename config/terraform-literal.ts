import type { z } from 'zod';

/**
 * Terraform reads "${" as an interpolation and "%{" as a template directive in every string
 * of its JSON configuration, so a config value holding them would run Terraform functions at
 * plan time (file(), templatefile(), ...). Doubling the opening character makes Terraform
 * print the sequence literally. Source: Terraform language docs, "Strings and Templates"
 * (https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1)
 * and "JSON Configuration Syntax" (strings are templates).
 */
export function escapeTerraformTemplate(text: string): string {
  // A function, not a replacement string: "$$" in a replacement string means one "$".
  return text.replace(/[$%]\{/g, (opener) => `${opener[0]}${opener}`);
}

/**
 * The one place config text is made safe for the Terraform JSON: every free-text field that can
 * reach a synthesized resource is declared with this wrapper, which checks the text as written
 * and hands the stacks its escaped form. Ids and names cannot hold "$" or "%" at all.
 */
export function terraformLiteral<T extends z.ZodType<string, string>>(schema: T) {
  return schema.transform(escapeTerraformTemplate);
}

/** Free-text fields of the schema (JSON Schema paths); a test puts both sequences in each. */
export const FREE_TEXT_FIELDS = {
  /** Reach the Terraform JSON, escaped by terraformLiteral. */
  escaped: ['clusters[].tenants[].displayName'],
  /**
   * Never reach the Terraform JSON: read by the compliance pack (a suppression path must also
   * name an existing construct, whose ids cannot hold "$" or "%") or by the isolation proof.
   */
  notInTerraform: [
    'compliance.suppressions[].path',
    'compliance.suppressions[].reason',
    'isolation.allowedSharedServices[].reason',
    'isolation.allowedSharedServices[].resource',
  ],
} as const;
