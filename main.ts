// placeholder: the cdktf app (stacks/) replaces this.
export {};
