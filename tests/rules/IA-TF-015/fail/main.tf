variable "subnet_ids" {
  type = list(string)
}

# the provider's defaults: public to everyone
resource "aws_eks_cluster" "defaults" {
  name     = "defaults"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

resource "aws_eks_cluster" "explicit" {
  name     = "explicit"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = ["10.0.0.0/8", "0.0.0.0/0"]
  }
}

variable "public" {
  type    = bool
  default = true
}

# null is the provider's default as well
resource "aws_eks_cluster" "nulls" {
  name     = "nulls"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids             = var.subnet_ids
    endpoint_public_access = var.public
    public_access_cidrs    = var.public ? null : []
  }
}
